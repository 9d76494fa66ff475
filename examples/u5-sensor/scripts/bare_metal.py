# PlatformIO pre-script: this project brings its own vector table, startup code and libc-free runtime.
Import("env")  # noqa: F821 (provided by PlatformIO's SCons)

env.Append(  # noqa: F821
    CCFLAGS=["-ffreestanding"],
    LINKFLAGS=["-nostartfiles"],
)
