// Hand-written SVD documents for the parser tests: a device wrapper around peripheral XML.

/** A minimal SVD device holding `peripherals` (XML of <peripheral> elements) with optional device-level properties. */
export function svdDevice(peripherals: string, deviceProps = ''): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<device schemaVersion="1.3" xmlns:xs="http://www.w3.org/2001/XMLSchema-instance">
  <name>TESTDEV</name>
  <description>a device for tests</description>
  ${deviceProps}
  <peripherals>${peripherals}</peripherals>
</device>`;
}
