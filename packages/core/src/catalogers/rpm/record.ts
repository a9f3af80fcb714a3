/** One value read from an rpmdb backend: its record number (hnum / pkgidx / key) and header blob. */
export interface RecordedBlob {
  readonly recordId: number;
  readonly blob: Uint8Array;
}
