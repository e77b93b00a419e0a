"""Where renders run: the backends (Remotion Lambda, local Node + Chromium), the sandbox
and output storage they use, and the render hosts whose workers run local renders.

Below the render lifecycle (renders/lifecycle/): it knows the Render record and its
limits, never the steps that move a render on (see .importlinter).
"""
