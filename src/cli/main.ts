// Entry point of the `outpost` CLI (placeholder until the command table lands).
process.stderr.write('outpost: no commands yet\n');
process.exitCode = 1;
