// Entry point of the stdio debug adapter (placeholder until the DAP session lands).
process.stderr.write('outpost debug adapter: not built yet\n');
process.exitCode = 1;
