// The PlatformIO extra script `outpost pio setup` writes: Outpost's deploy and GDB-tunnel tasks in the project tasks.

/** The file name, in the project folder. */
export const TARGETS_SCRIPT_FILE = 'outpost_targets.py';

/** How platformio.ini's `extra_scripts` names it (a post script: the build environment is complete by then). */
export const TARGETS_SCRIPT_ITEM = `post:${TARGETS_SCRIPT_FILE}`;

/** True when an `extra_scripts` item names the script, with or without a `pre:`/`post:` prefix or a folder. */
export function namesTargetsScript(item: string): boolean {
  return (
    item
      .replace(/^(pre|post):/, '')
      .replace(/\\/g, '/')
      .split('/')
      .pop() === TARGETS_SCRIPT_FILE
  );
}

/**
 * The script. PlatformIO runs it with SCons' `env` of the environment being built; it reads the deploy targets
 * from `custom_outpost_targets`, else from `upload_flags` when `upload_protocol = custom` (the flags `pio run -t
 * upload` passes to `outpost deploy`), and the command from `custom_outpost_cli` (default `outpost`).
 */
export const OUTPOST_TARGETS_SCRIPT = `# Outpost tasks for PlatformIO, written by \`outpost pio setup\` (delete this file and run it again to update it).
#
# "Outpost: deploy OTA" builds this environment, signs the build and deploys it over the air with
# \`outpost deploy --pio-env ENV --wait\` to its targets (--device NAME, --tag k=v): custom_outpost_targets when
# set, else upload_flags when uploads go through Outpost (upload_protocol = custom).
# "Outpost: GDB tunnel" runs \`outpost tunnel DEVICE\`: a local GDB server on 127.0.0.1:3333 for the first
# --device of those. \`outpost\` must be on PATH, or set custom_outpost_cli (e.g. \`npx outpost\`).
import shlex

Import("env")  # noqa: F821 - SCons provides Import and env

OUTPOST_CLI = env.GetProjectOption("custom_outpost_cli", "outpost")
TUNNEL_LISTEN = env.GetProjectOption("custom_outpost_tunnel_listen", "127.0.0.1:3333")


def outpost_words(value):
    items = value.splitlines() if isinstance(value, str) else value
    words = []
    for item in items:
        words.extend(shlex.split(item))
    return words


def outpost_targets():
    custom = env.GetProjectOption("custom_outpost_targets", "")
    if custom:
        return outpost_words(custom)
    if env.GetProjectOption("upload_protocol", "") == "custom":
        return outpost_words(env.GetProjectOption("upload_flags", []))
    return []


def outpost_first_device(words):
    for i, word in enumerate(words):
        if word == "--device" and i + 1 < len(words):
            return words[i + 1]
        if word.startswith("--device="):
            return word.split("=", 1)[1]
    return None


def outpost_missing_targets(target, source, env):
    print(
        "Outpost: no devices to deploy to: run outpost pio setup --env %s --device NAME (or --tag k=v)"
        % env["PIOENV"]
    )
    return 1


def outpost_missing_device(target, source, env):
    print(
        "Outpost: no device for the GDB tunnel: run outpost pio setup --env %s --device NAME" % env["PIOENV"]
    )
    return 1


OUTPOST_TARGETS = outpost_targets()
OUTPOST_DEVICE = outpost_first_device(OUTPOST_TARGETS)

env.AddCustomTarget(
    name="outpost_deploy",
    dependencies="$BUILD_DIR/\${PROGNAME}.elf",
    actions=[
        "%s deploy --pio-env $PIOENV --wait %s" % (OUTPOST_CLI, " ".join(shlex.quote(w) for w in OUTPOST_TARGETS))
    ]
    if OUTPOST_TARGETS
    else [outpost_missing_targets],
    title="Outpost: deploy OTA",
    description="Build, sign and deploy this environment over the air to its Outpost targets",
    always_build=True,
)

env.AddCustomTarget(
    name="outpost_tunnel",
    dependencies=None,
    actions=["%s tunnel %s --listen %s" % (OUTPOST_CLI, shlex.quote(OUTPOST_DEVICE), TUNNEL_LISTEN)]
    if OUTPOST_DEVICE
    else [outpost_missing_device],
    title="Outpost: GDB tunnel",
    description="A local GDB server for the environment's device, through the Outpost relay",
    always_build=True,
)
`;
