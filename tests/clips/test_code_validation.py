"""The check on save, rule by rule: each refusal's stable code and where it points."""
import json
from pathlib import Path

import pytest
from django.conf import settings

from clips.code_rules import allowed_modules
from clips.code_validation import CodeRejected, code_check, code_problem, raw_code_check
from clips.demo import DEMO_CLIPS
from tests.factories import SIMPLE_CODE
from tests.farm.backends.test_local import FRAME_PROBE
from tests.renders.test_local_pipeline import COLOUR_CODE

OK_TAIL = "\nexport default () => null;\n"


def problem_at(code):
    problem = code_problem(code)
    assert problem is not None, f"accepted: {code!r}"
    return problem.code, problem.line, problem.column


@pytest.mark.parametrize("clip", DEMO_CLIPS, ids=lambda clip: clip.file)
def test_every_demo_clip_passes(clip):
    assert code_problem(clip.code) is None


@pytest.mark.parametrize("code", [SIMPLE_CODE, FRAME_PROBE, COLOUR_CODE.replace("COLOUR", "#204080")])
def test_the_clips_the_render_tests_use_pass(code):
    assert code_problem(code) is None


@pytest.mark.parametrize(
    "code",
    [
        # Local bindings named like denied globals are ordinary code.
        "export default () => { const top = 40; const {frames, parent = 2} = {frames: 1, parent: 3};\n"
        "  return <div style={{position: 'absolute', top, verticalAlign: 'top'}}>{frames + parent}</div>; }",
        "const Item = ({self, open}: {self: number; open: boolean}) => <b>{self}{String(open)}</b>;\n"
        "export default function S() { return [1, 2].map((top) => <Item key={top} self={top} open />); }",
        "import React from 'react';\n"
        "export default class S extends React.Component { constructor(props: object) { super(props); }\n"
        "  render() { return <top-bar />; } }",
        "import {AbsoluteFill as Fill} from 'remotion';\nconst S = () => <Fill />;\nexport {S as default};",
        "import type {FC} from 'react';\nconst S: FC = () => <>{`template ${1}`}</>;\nexport default S;",
        "export default function S() { try { return null; } catch (document) { return document; } }",
        "import React from 'react';\n"
        "export default () => typeof React === 'object' ? <div className='link'>{'iframe'}</div> : <Script />;\n"
        "const Script = () => React.createElement('span', null, 'script');",
        # A local binding spelled with an escape is still local; "RTC" in text is text.
        "export default () => { const \\u0066etch = 1; return <b>{fetch}{'RTC Summit'}</b>; }",
    ],
)
def test_legitimate_code_passes(code):
    assert code_problem(code) is None


@pytest.mark.parametrize(
    ("code", "line", "column"),
    [
        ("export default () => {\n  const a = ;\n  return null;\n}", 2, 11),
        ("export default () => {\n  return foo(1, 2;\n}", 2, 18),
        ("export default () => <div>unclosed;\n", 1, 22),
        ("export default function S() { return <div><span>hi</div></span>; }", 1, 51),
        # Columns count characters, not UTF-8 bytes (the byte column here is 17).
        ("const s = 'héllo';\nconst t = 'ü'; const = 1;\nexport default () => null;", 2, 16),
    ],
)
def test_syntax_errors_point_at_the_problem(code, line, column):
    assert problem_at(code) == ("code_syntax_error", line, column)


def test_no_default_export():
    assert problem_at("export const S = () => null;")[0] == "code_no_default_export"
    assert problem_at("")[0] == "code_no_default_export"


@pytest.mark.parametrize(
    ("code", "column"),
    [
        ("import _ from 'lodash';", 15),
        ("import fs from 'node:fs';", 16),
        ("import {x} from './local';", 17),
        ("export * from 'child_process';", 15),
        ("export {a} from 'remotion/../../x';", 17),
    ],
)
def test_imports_outside_the_allowed_modules(code, column):
    assert problem_at(code + OK_TAIL) == ("code_import_not_allowed", 1, column)


def test_every_allowed_module_may_be_imported():
    code = "".join(f"import * as M{i} from '{name}';\n" for i, name in enumerate(sorted(allowed_modules())))
    assert code_problem(code + OK_TAIL) is None


ESCAPES = [
    "eval('1')", "new Function('return 1')", "fetch('http://127.0.0.1:9/')", "new XMLHttpRequest()",
    "new WebSocket('ws://x')", "new EventSource('/x')", "navigator.sendBeacon('/x')", "document.title",
    "window.open('x')", "self.postMessage(1)", "top.location", "parent.frames", "frames.length",
    "globalThis.x", "process.env", "require('fs')", "setTimeout(f, 1)", "setInterval(f, 1)",
    "requestAnimationFrame(f)", "queueMicrotask(f)", "new Proxy({}, {})", "Reflect.get(o, 'k')",
    "webpackChunkmontage.push([])", "__webpack_require__(1)", "location.assign('/x')", "new Image()",
    "o.constructor", "o.prototype", "o.__proto__", "o['constructor']", 'o["__proto__"]', "o[`prototype`]",
    "o['con\\u0073tructor']", "o['\\x63onstructor']", "({constructor: o} = f)", "({constructor} = f)",
    "Object.getPrototypeOf(f)", "Object.getOwnPropertyDescriptors(f)", "node.ownerDocument",
    "ref.current.getRootNode()", "frame.contentWindow", "import('remotion')", "import.meta.url",
    "({x: window})", "({top})", "new (class extends Function {})()", "Error.prepareStackTrace = f",
    "Error.captureStackTrace(o)", "f.caller", "React.__CLIENT_INTERNALS_DO_NOT_USE", "o['__secret']",
    # Identifiers spelled with escapes are the names they spell.
    "\\u0066etch('/x')", "typeof wind\\u006fw", "(() => 0).con\\u0073tructor", "\\u{66}etch('/x')",
    "({con\\u0073tructor: o} = f)", "({\\u0074op})", "o.\\u005f_proto__",
    # WebRTC: ICE goes to IP literals, outside the page's policy.
    "new RTCPeerConnection({iceServers: []})", "new webkitRTCPeerConnection({})",
    "new RTCSessionDescription({type: 'offer'})", "new RTCIceCandidate({})", "o.RTCPeerConnection",
    "o['RTCDataChannel']",
]


@pytest.mark.parametrize("expression", ESCAPES)
def test_denied_apis_are_refused_where_they_are_written(expression):
    code = (
        "import React from 'react';\nconst f = () => 1; const o: any = {};\n"
        f"export default () => {{\n  void ({expression});\n  return null;\n}}"
    )
    kind, line, column = problem_at(code)
    assert (kind, line) == ("code_forbidden_api", 4)
    assert 8 <= column < 8 + len(expression), column


@pytest.mark.parametrize(
    "element",
    [
        "<iframe src='http://127.0.0.1:9/' />",
        "<div>{1}<script>{'x'}</script></div>",
        "<meta httpEquiv='refresh' content='0;url=http://x' />",
        "<object data='x' />",
        "<div dangerouslySetInnerHTML={{__html: '<img src=x>'}} />",
        "<iframe srcDoc='<b>' />",
        "React.createElement('iframe')",
        "jsx(`SCRIPT`, {})",
    ],
)
def test_elements_that_load_documents_or_run_script_are_refused(element):
    code = f"import React from 'react';\nimport {{jsx}} from 'react/jsx-runtime';\nexport default () => {element};"
    kind, line, column = problem_at(code)
    assert (kind, line) == ("code_forbidden_api", 3)
    assert 22 <= column < 22 + len(element), column


def test_with_statements_are_refused():
    assert problem_at("export default () => null;\nfunction f(o: any) {\n  with (o) { }\n}") == (
        "code_forbidden_api", 3, 3,
    )


def test_a_local_binding_in_another_scope_does_not_excuse_a_global():
    code = "function f(top: number) { return top; }\nexport default () => { void top.location; return null; }"
    assert problem_at(code) == ("code_forbidden_api", 2, 29)


def test_the_first_problem_is_reported_imports_before_apis():
    code = "const a = fetch;\nimport x from 'lodash';\nexport default () => null;"
    assert problem_at(code) == ("code_import_not_allowed", 2, 15)


def test_size_is_bounded_in_utf8_bytes(settings):
    settings.CODE_MAX_BYTES = 1024
    code = "export default () => null;\n// " + "é" * 600  # ~630 characters, ~1230 bytes
    assert problem_at(code) == ("code_too_large", None, None)
    with pytest.raises(CodeRejected) as raised:
        raw_code_check(code)
    assert (raised.value.code, raised.value.field) == ("code_too_large", "raw_code")
    assert code_problem(code[:300]) is None


def test_the_size_limit_defaults_to_256_kb():
    assert settings.CODE_MAX_BYTES == 256 * 1024


def test_rejections_carry_the_api_error_shape():
    with pytest.raises(CodeRejected) as raised:
        code_check("import x from 'lodash';" + OK_TAIL)
    error = raised.value
    assert (error.status_code, error.code) == (400, "code_import_not_allowed")
    assert error.extra == {"field": "code", "line": 1, "column": 15}
    assert error.detail.startswith('code: Line 1, column 15: Cannot import "lodash"')


def test_the_allowed_modules_are_the_remotion_projects_own_list():
    listed = json.loads((Path(settings.REMOTION_PROJECT_DIR) / "src" / "allowed-modules.json").read_text())
    assert allowed_modules() == frozenset(listed)
    assert len(listed) == len(set(listed)) and {"react", "remotion"} <= set(listed)

