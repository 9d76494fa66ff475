// The short name the editor shows for a source GDB names by its full path.
import { strict as assert } from 'node:assert';
import { sourceOf } from '../../../src/debug/session/sourceRef';

describe('debug session: source references', () => {
  it("names a source by its file name and keeps GDB's full path", () => {
    assert.deepEqual(sourceOf('/home/ana/u5-sensor/src/sensor.c'), {
      name: 'sensor.c',
      path: '/home/ana/u5-sensor/src/sensor.c',
    });
  });

  it('takes the file name from a Windows path too', () => {
    assert.equal(sourceOf('C:\\work\\u5-sensor\\src\\main.c').name, 'main.c');
  });
});
