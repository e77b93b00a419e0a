import {AbsoluteFill, interpolate, spring, useCurrentFrame, useVideoConfig} from 'remotion';

const DATA = [
  {label: 'Mon', value: 42},
  {label: 'Tue', value: 68},
  {label: 'Wed', value: 55},
  {label: 'Thu', value: 91},
  {label: 'Fri', value: 76},
];
const MAX = 100;

// Bars grow in turn (overshooting a little, as springs do) while their counters run up
// to each value, never past it.
export default function BarChart() {
  const frame = useCurrentFrame();
  const {fps, width} = useVideoConfig();
  const unit = width / 1920;
  const heading = interpolate(frame, [0, 15], [0, 1], {extrapolateRight: 'clamp'});

  return (
    <AbsoluteFill style={{backgroundColor: '#f8f5f0', fontFamily: 'Helvetica, Arial, sans-serif', padding: 90 * unit}}>
      <div style={{fontSize: 72 * unit, fontWeight: 800, color: '#1d3557', opacity: heading}}>Renders this week</div>
      <div style={{flex: 1, display: 'flex', alignItems: 'flex-end', gap: 60 * unit, marginTop: 40 * unit}}>
        {DATA.map((item, index) => {
          const grow = spring({frame: frame - 10 - index * 6, fps, config: {damping: 16}});
          return (
            <div key={item.label} style={{flex: 1, display: 'flex', flexDirection: 'column', alignItems: 'center', height: '100%', justifyContent: 'flex-end'}}>
              <div style={{fontSize: 48 * unit, fontWeight: 700, color: '#e63946', marginBottom: 12 * unit}}>
                {Math.round(item.value * Math.min(grow, 1))}
              </div>
              <div
                style={{
                  width: '100%',
                  height: `${(item.value / MAX) * 70 * grow}%`,
                  borderRadius: `${16 * unit}px ${16 * unit}px 0 0`,
                  background: 'linear-gradient(180deg, #457b9d, #1d3557)',
                }}
              />
              <div style={{fontSize: 40 * unit, color: '#1d3557', marginTop: 16 * unit}}>{item.label}</div>
            </div>
          );
        })}
      </div>
    </AbsoluteFill>
  );
}
