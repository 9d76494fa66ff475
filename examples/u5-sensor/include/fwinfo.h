/* What this image is: version string and GNU build id, as reported on the UART and read from the ELF. */
#ifndef FWINFO_H
#define FWINFO_H

#ifndef FW_VERSION
#define FW_VERSION "1.0.0"
#endif

#define FW_APP_NAME "u5-sensor"

/* The version string, kept as its own symbol so tools can read it from the ELF. */
extern const char fw_version[];

/* Writes the build id as lowercase hex into buf (NUL-terminated); "unknown" when the note is absent. */
void fwinfo_build_id(char *buf, unsigned size);

#endif
