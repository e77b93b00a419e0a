import {AbsoluteFill, interpolate, spring, useCurrentFrame, useVideoConfig} from 'remotion';

const PALETTE = ['#ef476f', '#ffd166', '#06d6a0', '#118ab2', '#8338ec', '#ff9f1c'];

// Six shapes orbit a pulsing core; each one's orbit, size and spin is derived from its
// index, so the motion is all arithmetic on the frame number.
export default function ShapesAndMotion() {
  const frame = useCurrentFrame();
  const {fps, width, height} = useVideoConfig();
  const size = Math.min(width, height);
  const appear = spring({frame, fps, config: {damping: 18}});
  const pulse = 1 + 0.08 * Math.sin((frame / fps) * Math.PI * 2);

  return (
    <AbsoluteFill style={{backgroundColor: '#0f0e17'}}>
      <svg width={width} height={height} viewBox={`${-width / 2} ${-height / 2} ${width} ${height}`}>
        <circle r={size * 0.09 * appear * pulse} fill="#fffffe" opacity={0.9} />
        {PALETTE.map((color, index) => {
          const angle = (index / PALETTE.length) * Math.PI * 2 + (frame / fps) * (0.6 + index * 0.08);
          const radius = size * interpolate(appear, [0, 1], [0, 0.22 + (index % 3) * 0.06]);
          const shapeSize = size * (0.06 + (index % 2) * 0.03);
          const x = Math.cos(angle) * radius;
          const y = Math.sin(angle) * radius;
          const spin = frame * (index % 2 === 0 ? 3 : -4);
          return index % 2 === 0 ? (
            <rect
              key={color}
              x={x - shapeSize / 2}
              y={y - shapeSize / 2}
              width={shapeSize}
              height={shapeSize}
              rx={shapeSize * 0.2}
              fill={color}
              transform={`rotate(${spin} ${x} ${y})`}
            />
          ) : (
            <circle key={color} cx={x} cy={y} r={shapeSize / 2} fill="none" stroke={color} strokeWidth={size * 0.012} />
          );
        })}
      </svg>
    </AbsoluteFill>
  );
}
