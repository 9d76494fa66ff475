// Options a device process takes, whichever runs it (`outpost agent`, `outpost sim`): enrollment, trusted signers and operators.
export const deviceOptions = {
  enroll: { type: 'string', value: 'TOKEN', description: 'enrollment token (first start of a new device)' },
  trust: {
    type: 'string',
    multiple: true,
    value: 'KEY',
    description: 'public key whose firmware signatures OTA accepts',
  },
  'operator-key': {
    type: 'string',
    multiple: true,
    value: 'KEY|FILE',
    description: 'accept rsp and console only from this operator key (or a file of keys, one a line)',
  },
} as const;
