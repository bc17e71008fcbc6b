#!/usr/bin/python3
"""A pass-through FUSE file system over a backing directory whose writes can be refused with
EROFS while it runs: read-only while the switch file exists, writable again once it is gone.

Why: the kernel refuses `mount -o remount,ro` while the engine holds files open for writing
("mount point is busy"), so a disk that turns read-only under a running tower cannot be made
with mount alone. Here every write the engine makes reaches this process, which answers
"Read-only file system" exactly as a read-only mount does.

    switchableReadOnlyFs.py BACKING_DIR MOUNT_POINT SWITCH_FILE   (foreground; unmount with umount)

(A file, not a signal: the FUSE loop runs in C on the main thread, where Python signal
handlers never get to run.)
"""
import errno
import os
import sys

from fusepy import FUSE, FuseOSError, Operations

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC


class SwitchableReadOnly(Operations):
    def __init__(self, root, switch_file):
        self.root = os.path.realpath(root)
        self.switch_file = switch_file

    def _path(self, path):
        return os.path.join(self.root, path.lstrip("/"))

    def _writing(self):
        if os.path.exists(self.switch_file):
            raise FuseOSError(errno.EROFS)

    # reads
    def access(self, path, mode):
        if not os.access(self._path(path), mode):
            raise FuseOSError(errno.EACCES)
        if mode & os.W_OK:
            self._writing()

    def getattr(self, path, fh=None):
        st = os.lstat(self._path(path))
        keys = ("st_atime", "st_ctime", "st_gid", "st_mode", "st_mtime", "st_nlink", "st_size", "st_uid", "st_blocks")
        return {k: getattr(st, k) for k in keys}

    def readdir(self, path, fh):
        return [".", ".."] + os.listdir(self._path(path))

    def readlink(self, path):
        return os.readlink(self._path(path))

    def statfs(self, path):
        sv = os.statvfs(self._path(path))
        keys = ("f_bavail", "f_bfree", "f_blocks", "f_bsize", "f_favail", "f_ffree", "f_files", "f_flag", "f_frsize", "f_namemax")
        return {k: getattr(sv, k) for k in keys}

    def open(self, path, flags):
        if flags & WRITE_FLAGS:
            self._writing()
        return os.open(self._path(path), flags)

    def read(self, path, size, offset, fh):
        return os.pread(fh, size, offset)

    def release(self, path, fh):
        return os.close(fh)

    def flush(self, path, fh):
        return None

    # writes
    def create(self, path, mode, fi=None):
        self._writing()
        return os.open(self._path(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)

    def write(self, path, data, offset, fh):
        self._writing()
        return os.pwrite(fh, data, offset)

    def truncate(self, path, length, fh=None):
        self._writing()
        if fh is not None:
            os.ftruncate(fh, length)
        else:
            os.truncate(self._path(path), length)

    def fsync(self, path, datasync, fh):
        self._writing()
        return os.fdatasync(fh) if datasync else os.fsync(fh)

    def fsyncdir(self, path, datasync, fh):
        self._writing()

    def unlink(self, path):
        self._writing()
        return os.unlink(self._path(path))

    def rmdir(self, path):
        self._writing()
        return os.rmdir(self._path(path))

    def mkdir(self, path, mode):
        self._writing()
        return os.mkdir(self._path(path), mode)

    def rename(self, old, new):
        self._writing()
        return os.rename(self._path(old), self._path(new))

    def link(self, target, source):
        self._writing()
        return os.link(self._path(source), self._path(target))

    def symlink(self, target, source):
        self._writing()
        return os.symlink(source, self._path(target))

    def chmod(self, path, mode):
        self._writing()
        return os.chmod(self._path(path), mode)

    def chown(self, path, uid, gid):
        self._writing()
        return os.chown(self._path(path), uid, gid)

    def utimens(self, path, times=None):
        self._writing()
        return os.utime(self._path(path), times)


if __name__ == "__main__":
    backing, mount_point, switch_file = sys.argv[1], sys.argv[2], sys.argv[3]
    FUSE(SwitchableReadOnly(backing, switch_file), mount_point, foreground=True, nothreads=False, big_writes=True, max_write=1048576)
