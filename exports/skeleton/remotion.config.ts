// Options for `npx remotion render` and `npx remotion studio`. Montage renders with
// these (Remotion's defaults, written out): H.264 from JPEG frames.
import {Config} from '@remotion/cli/config';

Config.setVideoImageFormat('jpeg');
Config.setCodec('h264');
Config.setOverwriteOutput(true);
