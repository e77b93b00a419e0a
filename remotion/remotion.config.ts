// Read by the Remotion CLI (`npx remotion lambda sites create`, `remotion studio`), so the
// Lambda site is built like the local bundle (scripts/lib/bundle-cache.mjs).
import {Config} from '@remotion/cli/config';
import {webpackOverride} from './scripts/lib/webpack-override.mjs';

Config.overrideWebpackConfig(webpackOverride);
