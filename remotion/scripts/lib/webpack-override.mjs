// The one webpack override, used by the local bundle (bundle-cache.mjs) and by
// `npx remotion lambda sites create` (remotion.config.ts), so both build the same page.
//
// Source maps name each module; webpack's default names modules it replaced by an empty
// stub ("ignored" Node built-ins) by their absolute folder, which would publish the
// build machine's paths with the bundle (the Lambda site is readable by URL), and a
// symlinked node_modules adds "../../elsewhere/". Packages are named from their
// node_modules folder instead.
const withoutAbsolutePaths = (name) => name.replace(/(^|\|)[^|]*?node_modules\//g, '$1node_modules/');

export const webpackOverride = (config) => ({
  ...config,
  output: {
    ...config.output,
    devtoolModuleFilenameTemplate: (info) => `webpack://montage/${withoutAbsolutePaths(info.resourcePath)}`,
  },
});
