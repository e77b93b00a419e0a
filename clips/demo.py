"""The demo clips seeded for the demo editor: real Remotion code, one file each in clips/demo/.

Each uses only react and remotion, scales with the output width, and is meant to be read
as an example of what a clip's code looks like.
"""
from dataclasses import dataclass
from pathlib import Path

DEMO_DIR = Path(__file__).resolve().parent / "demo"
# The demo editor's account, which owns the seeded clips and demo movie.
DEMO_USERNAME = "demo"


@dataclass(frozen=True)
class DemoClip:
    name: str
    file: str
    duration_in_frames: int
    fps: int = 30

    @property
    def code(self):
        return (DEMO_DIR / self.file).read_text()


DEMO_CLIPS = (
    DemoClip("Title card", "title_card.tsx", duration_in_frames=90),
    DemoClip("Kinetic typography", "kinetic_typography.tsx", duration_in_frames=90),
    DemoClip("Shapes and motion", "shapes_and_motion.tsx", duration_in_frames=120),
    DemoClip("Bar chart", "bar_chart.tsx", duration_in_frames=90),
)
