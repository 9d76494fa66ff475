// Memory facts of the boards Outpost installs on: where the flash image starts and how much flash there is.

/** Where a board's firmware lives. */
export interface BoardMemory {
  flashBase: number;
  flashSize: number;
}

/** Boards by the name their firmware reports (`board` in the banner and in manifests). */
export const boards: Readonly<Record<string, BoardMemory>> = {
  // QEMU mps2-an505: ssram-0 stands in for flash (see boards/sim/link.ld of the example project).
  'stm32u5-sim': { flashBase: 0x10000000, flashSize: 4 * 1024 * 1024 },
  'nucleo-u575zi-q': { flashBase: 0x08000000, flashSize: 2 * 1024 * 1024 },
};

/** Memory facts of `board`, or undefined for a board this agent does not know (give --flash-base then). */
export function boardMemory(board: string | undefined): BoardMemory | undefined {
  return board === undefined ? undefined : boards[board];
}
