/* The console's commands: help, version, get, set, readings, reboot, fault. */
#ifndef COMMANDS_H
#define COMMANDS_H

/* Exit codes, reported to programs at the end of a framed reply. */
#define EXIT_OK 0
#define EXIT_FAILED 1
#define EXIT_USAGE 2
#define EXIT_UNKNOWN_COMMAND 127

#define COMMAND_MAX_ARGS 8

/* Runs one parsed command line; output goes through shell_printf. */
int commands_run(int argc, char **argv);

#endif
