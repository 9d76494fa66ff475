"""Runs a PlatformIO extra script against a stand-in for PlatformIO's SCons `env` and prints what it registered.

Usage: python3 fakeScons.py SCRIPT OPTIONS_JSON
OPTIONS_JSON: {"PIOENV": "sim", "options": {"upload_flags": ["--device d"], ...}} with values typed as PlatformIO's
ProjectConfig returns them (lists for multi-value options). Prints {"targets": [...]} as JSON: each target's keyword
arguments, with Python actions run (target=None, source=None, env) and reported as {"python": name, "exit": code,
"printed": text}.
"""

import contextlib
import io
import json
import sys


class FakeEnv(dict):
    """The part of PlatformIO's SCons environment extra scripts use here."""

    def __init__(self, pioenv, options):
        super().__init__(PIOENV=pioenv)
        self.options = options
        self.targets = []

    def GetProjectOption(self, name, default=None):
        return self.options.get(name, default)

    def AddCustomTarget(self, name, dependencies, actions, title=None, description=None, always_build=True):
        self.targets.append(
            {
                "name": name,
                "dependencies": dependencies,
                "actions": actions,
                "title": title,
                "description": description,
                "always_build": always_build,
            }
        )


def main():
    script, options_json = sys.argv[1], sys.argv[2]
    spec = json.loads(options_json)
    env = FakeEnv(spec["PIOENV"], spec["options"])
    scope = {"__file__": script, "__name__": "SCons.Script"}
    # SCons' Import("env") puts the construction environment into the calling script's globals.
    scope["Import"] = lambda *names: scope.update({n: env for n in names})
    with open(script) as f:
        code = compile(f.read(), script, "exec")
    exec(code, scope)
    out = []
    for target in env.targets:
        actions = []
        for action in target["actions"]:
            if callable(action):
                printed = io.StringIO()
                with contextlib.redirect_stdout(printed):
                    code = action(None, None, env)
                actions.append({"python": action.__name__, "exit": code, "printed": printed.getvalue()})
            else:
                actions.append(action)
        out.append({**target, "actions": actions})
    print(json.dumps({"targets": out}))


if __name__ == "__main__":
    main()
