/** Tar entry kinds the walker reports; everything else is mapped to `other` and never read. */
export type EntryKind = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char-device' | 'block-device' | 'fifo' | 'other';

/** One tar entry's header, after PAX/GNU extensions are applied and the path is normalized. */
export interface EntryHeader {
  /** Absolute, normalized path inside the image root (`/etc/passwd`); never contains `..`. */
  readonly path: string;
  readonly kind: EntryKind;
  /** Permission and special bits (setuid 0o4000, setgid 0o2000, sticky 0o1000, rwx). */
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  /** Link target as written in the archive (symlink: as is; hard link: normalized absolute path). */
  readonly linkTarget: string | null;
  readonly mtime: number;
}

export const SETUID = 0o4000;
export const SETGID = 0o2000;
export const STICKY = 0o1000;
