"""A seccomp filter: the runner starts no process, opens no socket, runs no program.

No fork means the address-space cap (RLIMIT_AS) is the cap of the run as a whole: three
forks of 800 MB cannot each pass a 1 GB limit when there is one process. `clone` is let
through only with CLONE_THREAD (torch's thread pools); `clone3`, whose flags sit behind a
pointer a filter cannot read, answers ENOSYS so that glibc falls back to `clone`. `socket`
is refused for every family (a unix socket could reach a path-named service outside);
`socketpair` stays. Namespace, mount, ptrace, io_uring (which would run socket operations
past this filter), System V and POSIX IPC objects (which would outlive the run, in the
namespace the runs share), bpf and module calls are refused too. x86_64 and aarch64 only: on
another architecture `supported()` is False and the run says so.
"""

from __future__ import annotations

import ctypes
import errno
import platform

from quizapp.engine.confine._libc import prctl

_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_CLONE_THREAD = 0x00010000

_RET_ALLOW = 0x7FFF0000
_RET_KILL_PROCESS = 0x80000000
_RET_ERRNO = 0x00050000

_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_JSET_K = 0x45
_RET_K = 0x06

# Offsets in struct seccomp_data: nr, arch, instruction_pointer, args[6].
_NR = 0
_ARCH = 4
_ARG0_LOW = 16

#: machine → (audit arch, "call number ..."); from the kernel's syscall tables.
_TABLES: dict[str, tuple[int, str]] = {
    "x86_64": (
        0xC000003E,
        "clone 56 fork 57 vfork 58 execve 59 execveat 322 clone3 435 socket 41 ptrace 101 "
        "unshare 272 setns 308 mount 165 umount2 166 pivot_root 155 chroot 161 open_tree 428 "
        "move_mount 429 fsopen 430 fsconfig 431 fsmount 432 fspick 433 mount_setattr 442 "
        "bpf 321 userfaultfd 323 perf_event_open 298 io_uring_setup 425 io_uring_enter 426 "
        "io_uring_register 427 process_vm_readv 310 process_vm_writev 311 pidfd_getfd 438 "
        "keyctl 250 add_key 248 request_key 249 kexec_load 246 kexec_file_load 320 "
        "init_module 175 finit_module 313 delete_module 176 reboot 169 shmget 29 semget 64 "
        "msgget 68 mq_open 240 ",
    ),
    "aarch64": (
        0xC00000B7,
        "clone 220 execve 221 execveat 281 clone3 435 socket 198 ptrace 117 unshare 97 "
        "setns 268 mount 40 umount2 39 pivot_root 41 chroot 51 open_tree 428 move_mount 429 "
        "fsopen 430 fsconfig 431 fsmount 432 fspick 433 mount_setattr 442 bpf 280 "
        "userfaultfd 282 perf_event_open 241 io_uring_setup 425 io_uring_enter 426 "
        "io_uring_register 427 process_vm_readv 270 process_vm_writev 271 pidfd_getfd 438 "
        "keyctl 219 add_key 217 request_key 218 kexec_load 104 kexec_file_load 294 "
        "init_module 105 finit_module 273 delete_module 106 reboot 142 ",
    ),
}


def _numbers(table: str) -> dict[str, int]:
    words = table.split()
    return {name: int(number) for name, number in zip(words[::2], words[1::2], strict=True)}


#: What a refused call answers (errno); clone without CLONE_THREAD is EPERM too.
_ANSWERS = {"clone3": errno.ENOSYS, "socket": errno.EACCES}


class _Filter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_uint16),
        ("jt", ctypes.c_uint8),
        ("jf", ctypes.c_uint8),
        ("k", ctypes.c_uint32),
    ]


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Filter))]


def supported() -> bool:
    """True on a machine whose syscall table this module knows."""
    return platform.machine() in _TABLES


def program() -> list[tuple[int, int, int, int]]:
    """The filter as (code, jt, jf, k) instructions, for this machine.

    Raises:
        OSError: on an architecture this module has no table for.
    """
    machine = platform.machine()
    if machine not in _TABLES:
        raise OSError(errno.ENOSYS, f"no seccomp table for {machine}")
    arch, table = _TABLES[machine]
    numbers = _numbers(table)
    code: list[tuple[int, int, int, int]] = [
        (_LD_W_ABS, 0, 0, _ARCH),
        (_JEQ_K, 1, 0, arch),
        (_RET_K, 0, 0, _RET_KILL_PROCESS),
        (_LD_W_ABS, 0, 0, _NR),
    ]
    if machine == "x86_64":  # the x32 ABI's numbers carry bit 30: none is needed
        code += [(_JGE_K, 0, 1, 0x40000000), (_RET_K, 0, 0, _RET_ERRNO | errno.ENOSYS)]
    code += [
        (_JEQ_K, 0, 4, numbers["clone"]),
        (_LD_W_ABS, 0, 0, _ARG0_LOW),
        (_JSET_K, 0, 1, _CLONE_THREAD),
        (_RET_K, 0, 0, _RET_ALLOW),
        (_RET_K, 0, 0, _RET_ERRNO | errno.EPERM),
    ]
    for name, number in numbers.items():
        if name != "clone":
            answer = _ANSWERS.get(name, errno.EPERM)
            code += [(_JEQ_K, 0, 1, number), (_RET_K, 0, 0, _RET_ERRNO | answer)]
    code.append((_RET_K, 0, 0, _RET_ALLOW))
    return code


def set_no_new_privs() -> None:
    """No execve can grant privileges from now on (Landlock and seccomp both require it)."""
    prctl(_PR_SET_NO_NEW_PRIVS, 1)


def install() -> None:
    """Load the filter on the calling thread, for good (after `set_no_new_privs`).

    Raises:
        OSError: the kernel refused it, or this architecture has no table.
    """
    code = program()
    filters = (_Filter * len(code))(*(_Filter(*instruction) for instruction in code))
    fprog = _Program(len(code), filters)
    prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.addressof(fprog))
