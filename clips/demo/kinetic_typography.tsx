import {AbsoluteFill, interpolate, spring, useCurrentFrame, useVideoConfig} from 'remotion';

const WORDS = ['Write', 'the', 'code.', 'Watch', 'it', 'move.'];
const COLORS = ['#ffffff', '#ffffff', '#ffd166', '#ffffff', '#ffffff', '#06d6a0'];
const FRAMES_PER_WORD = 8;

// Words land one after another, each with its own spring; the whole line drifts and
// tilts slightly so the frame never stands still.
export default function KineticTypography() {
  const frame = useCurrentFrame();
  const {fps, width, durationInFrames} = useVideoConfig();
  const unit = width / 1920;
  const drift = interpolate(frame, [0, durationInFrames], [40, -40]) * unit;
  const tilt = interpolate(frame, [0, durationInFrames], [-3, 2]);

  return (
    <AbsoluteFill style={{backgroundColor: '#111827', justifyContent: 'center', alignItems: 'center'}}>
      <div
        style={{
          display: 'flex',
          flexWrap: 'wrap',
          justifyContent: 'center',
          gap: `${10 * unit}px ${36 * unit}px`,
          width: '80%',
          transform: `translateX(${drift}px) rotate(${tilt}deg)`,
          fontFamily: 'Helvetica, Arial, sans-serif',
          fontWeight: 900,
          fontSize: 150 * unit,
          textTransform: 'uppercase',
        }}
      >
        {WORDS.map((word, index) => {
          const progress = spring({frame: frame - index * FRAMES_PER_WORD, fps, config: {damping: 12, stiffness: 160}});
          return (
            <span
              key={word + index}
              style={{
                display: 'inline-block',
                color: COLORS[index],
                opacity: progress,
                transform: `translateY(${(1 - progress) * 120 * unit}px) scale(${0.5 + progress * 0.5}) rotate(${(1 - progress) * -20}deg)`,
              }}
            >
              {word}
            </span>
          );
        })}
      </div>
    </AbsoluteFill>
  );
}
