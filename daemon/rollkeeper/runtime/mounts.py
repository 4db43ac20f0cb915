"""Mount tracking: drives plugged in or pulled out, and a watcher on each mounted one.

A drive is recorded by filesystem UUID and folder (`Ledger.volume_mounted`), not by mount path;
its watcher reports changed paths on a thread of its own, which the loop then takes.
"""

from __future__ import annotations

import time

import structlog

from rollkeeper.core import happened
from rollkeeper.core.errors import EnvironmentProblem
from rollkeeper.fs.volumes import present_volumes
from rollkeeper.fs.watch import Change, VolumeWatcher
from rollkeeper.runtime.context import LoopContext
from rollkeeper.runtime.trackers import VolumeState, volume_key

log = structlog.get_logger("rollkeeper")


def relative(root: str, path: str) -> str:
    """`path` relative to the volume `root` ("" for the root, or for anything not below it:
    then the whole volume is looked at again)."""
    root = root.rstrip("/")
    if path.startswith(root) and path[len(root) : len(root) + 1] == "/":
        return path[len(root) + 1 :].rstrip("/")
    return ""


class Mounts:
    """The configured volumes that are mounted now, each with its watcher."""

    def __init__(self, context: LoopContext) -> None:
        self.context = context

    def refresh(self, *, start_watchers: bool) -> None:
        """Notice drives plugged in or pulled out since the last look."""
        volumes = self.context.volumes
        present = {volume_key(v): v for v in present_volumes(self.context.config.volumes)}
        for key in set(volumes) - set(present):
            self._gone(key)
        for key, mounted in present.items():
            if key in volumes:
                continue
            row = self.context.ledger.volume_mounted(
                label=mounted.label,
                role=mounted.role,
                fs_uuid=mounted.fs_uuid,
                subpath=mounted.subpath,
                mount_path=str(mounted.path),
            )
            for erased in self.context.ledger.reformatted_namesakes(row.id):
                self.context.clearance.note(volume=erased)
            state = VolumeState(mounted, row.id)
            volumes[key] = state
            if start_watchers:
                self._start_watcher(state)

    def note_change(self, volume: VolumeState, change: Change) -> None:
        """What a watcher reports (on its own thread): remember what changed, wake the loop."""
        with volume.lock:
            if change.path is None:
                volume.everything = True
            else:
                volume.changes[relative(str(volume.mounted.path), change.path)] = time.time()
        self.context.wake.set()

    def stop_watchers(self) -> None:
        for volume in self.context.volumes.values():
            if volume.watcher:
                volume.watcher.stop()

    def drop_changed(self) -> None:
        """A reload: drives whose role or way of watching changed are let go, and taken up
        again by the next `refresh` under their new settings."""
        present = {volume_key(v): v for v in present_volumes(self.context.config.volumes)}
        for key, volume in list(self.context.volumes.items()):
            now = present.get(key)
            if now is not None and (now.role, now.poll) != (
                volume.mounted.role,
                volume.mounted.poll,
            ):
                self._gone(key)

    def restart_watchers(self) -> None:
        """Every watcher stopped and started again (a reload changed how they poll)."""
        for volume in self.context.volumes.values():
            if volume.watcher:
                volume.watcher.stop()
                self._start_watcher(volume)

    def _start_watcher(self, volume: VolumeState) -> None:
        """Native events where the filesystem has them; polling where it has not."""
        try:
            volume.watcher = self._watcher(volume, polling=volume.mounted.poll)
        except EnvironmentProblem as err:
            self.context.ledger.record(happened.watch_failed(volume.volume_id, str(err)))
            volume.watcher = self._watcher(volume, polling=True)
        log.info("volume.watching", drive=volume.mounted.label, how=volume.watcher.kind)

    def _watcher(self, volume: VolumeState, *, polling: bool) -> VolumeWatcher:
        def changed(change: Change) -> None:
            self.note_change(volume, change)

        watcher = VolumeWatcher(
            volume.mounted.path,
            polling=polling,
            poll_interval=self.context.config.watch.poll_interval,
            on_change=changed,
        )
        watcher.start()
        return watcher

    def _gone(self, key: str) -> None:
        volume = self.context.volumes.pop(key)
        if volume.watcher:
            volume.watcher.stop()
        self.context.ledger.volume_unmounted(volume.volume_id)
        self.context.clearance.note(volume=volume.volume_id)
        trackers = self.context.trackers
        for tracker_key in [k for k in trackers if k[1] == key]:
            del trackers[tracker_key]
