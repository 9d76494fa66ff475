// Options a device process takes, whichever runs it (`outpost agent`, `outpost sim`): enrollment and trusted signers.
export const deviceOptions = {
  enroll: { type: 'string', value: 'TOKEN', description: 'enrollment token (first start of a new device)' },
  trust: {
    type: 'string',
    multiple: true,
    value: 'KEY',
    description: 'public key whose firmware signatures OTA accepts',
  },
} as const;
