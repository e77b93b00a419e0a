import {AbsoluteFill, Easing, interpolate, spring, useCurrentFrame, useVideoConfig} from 'remotion';

// A title that springs in, an underline that draws itself, a subtitle that follows,
// and everything easing out together at the end.
export default function TitleCard() {
  const frame = useCurrentFrame();
  const {fps, durationInFrames, width} = useVideoConfig();
  const unit = width / 1920;

  const titleIn = spring({frame, fps, config: {damping: 14, mass: 0.8}});
  const underline = interpolate(frame, [12, 40], [0, 1], {
    extrapolateLeft: 'clamp',
    extrapolateRight: 'clamp',
    easing: Easing.inOut(Easing.cubic),
  });
  const subtitleIn = spring({frame: frame - 24, fps, config: {damping: 200}});
  const fadeOut = interpolate(frame, [durationInFrames - 15, durationInFrames], [1, 0], {
    extrapolateLeft: 'clamp',
    extrapolateRight: 'clamp',
  });
  const glow = interpolate(frame, [0, durationInFrames], [20, 80]);

  return (
    <AbsoluteFill
      style={{
        background: `radial-gradient(circle at ${glow}% 30%, #3a1c71 0%, #1a1036 45%, #0b0a1a 100%)`,
        justifyContent: 'center',
        alignItems: 'center',
        fontFamily: 'Helvetica, Arial, sans-serif',
        opacity: fadeOut,
      }}
    >
      <div
        style={{
          fontSize: 180 * unit,
          fontWeight: 800,
          letterSpacing: -4 * unit,
          color: 'white',
          transform: `scale(${0.6 + 0.4 * titleIn}) translateY(${(1 - titleIn) * 60 * unit}px)`,
          opacity: titleIn,
        }}
      >
        Montage
      </div>
      <div
        style={{
          height: 10 * unit,
          width: 620 * unit * underline,
          borderRadius: 5 * unit,
          marginTop: 12 * unit,
          background: 'linear-gradient(90deg, #ffaf7b, #d76d77)',
        }}
      />
      <div
        style={{
          marginTop: 40 * unit,
          fontSize: 54 * unit,
          color: '#e6dcff',
          opacity: subtitleIn,
          transform: `translateY(${(1 - subtitleIn) * 30 * unit}px)`,
        }}
      >
        Motion graphics from code
      </div>
    </AbsoluteFill>
  );
}
