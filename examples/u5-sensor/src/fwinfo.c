/* Firmware identity: the version string (a symbol of its own) and the GNU build id note placed by the linker. */
#include "fwinfo.h"

#include <stdint.h>

/* `used` keeps the symbol in the ELF even when only its address is taken, so tools can find it by name. */
__attribute__((used)) const char fw_version[] = FW_VERSION;

/* Bounds of .note.gnu.build-id, from the linker script. */
extern const uint8_t __build_id_note_start[];
extern const uint8_t __build_id_note_end[];

static uint32_t read_u32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void fwinfo_build_id(char *buf, unsigned size) {
  static const char hex[] = "0123456789abcdef";
  const uint8_t *note = __build_id_note_start;
  unsigned out = 0;
  /* Note layout: namesz, descsz, type (3 = NT_GNU_BUILD_ID), name "GNU\0" padded to 4, then the id bytes. */
  if (__build_id_note_end - note >= 16 && read_u32(note + 8) == 3u) {
    uint32_t namesz = read_u32(note), descsz = read_u32(note + 4);
    const uint8_t *desc = note + 12 + ((namesz + 3u) & ~3u);
    for (uint32_t i = 0; i < descsz && out + 2 < size; i++) {
      buf[out++] = hex[desc[i] >> 4];
      buf[out++] = hex[desc[i] & 15u];
    }
  }
  if (out == 0) {
    const char *unknown = "unknown";
    while (*unknown && out + 1 < size) buf[out++] = *unknown++;
  }
  if (size) buf[out] = '\0';
}
