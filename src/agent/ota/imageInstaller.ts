// How an image reaches a target: one interface, a backend per kind of target (sim, any GDB server).

/** A raw flash image on the agent's disk. */
export interface FlashImage {
  file: string;
  loadAddress: number;
  /** The version its signed manifest states, for tools that read it from the ELF the installer makes. */
  version?: string;
}

/** Writes images to a target; implementations: simInstaller.ts (QEMU sim), gdbInstaller.ts (GDB servers). */
export interface ImageInstaller {
  /**
   * Writes `image`, verifies what the target holds against it, and resets the target into it. Resolves once the
   * new firmware has been started. Throws OtaError(INSTALL_FAILED) with the tool's one-line reason.
   */
  install(image: FlashImage): Promise<void>;
  /**
   * The firmware the target runs now, as a raw flash image at `loadAddress`, so the first update has something
   * to roll back to. Undefined when the backend cannot read it.
   */
  snapshot(loadAddress: number): Promise<Buffer | undefined>;
}
