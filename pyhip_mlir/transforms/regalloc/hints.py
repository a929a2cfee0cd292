"""The frontend's variable tags, handed to the allocator without putting them in the IR.

The DSL knows which SSA values are versions of one register variable and at which dword
(``J.tags``). Giving all of them one register range is what makes a register-like
program allocate with no copies. The tags are hints (every merge is still checked), so
they live beside the IR, keyed by the kernel op, and vanish with it; IR read from a
file has none, and the allocator then groups values by their name instead.
"""

from __future__ import annotations

import weakref

from xdsl.ir import Operation, SSAValue

Tag = tuple[object, int]  # (variable key, first dword)

_TAGS: weakref.WeakKeyDictionary[Operation, dict[SSAValue, Tag]] = weakref.WeakKeyDictionary()


def set_tags(kernel: Operation, tags: dict[SSAValue, Tag]) -> None:
    _TAGS[kernel] = tags


def tags_of(kernel: Operation) -> dict[SSAValue, Tag] | None:
    return _TAGS.get(kernel)
