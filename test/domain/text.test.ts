import t from 'tap'
import { checkText, refusal, TEXT_REASONS, type TextKind, type TextRefusal } from '../../src/domain/text.js'

// A case's name with every character but printable ASCII escaped: a raw line separator in a
// test's name would break the TAP stream.
const label = (s: string) => [...s].map((c) => /^[\x20-\x7e]$/.test(c) ? c : `\\u{${(c.codePointAt(0) as number).toString(16)}}`).join('')

t.test('text is kept, trimmed of white space of any kind at both ends', async (t) => {
  const cases: Array<[string, string, TextKind?]> = [
    ['张三', '张三'],
    ['  张三  ', '张三'],
    ['\u3000欧阳娜娜\u3000', '欧阳娜娜'], // the ideographic space a Chinese keyboard types
    ['\u00a0示例\ufeff', '示例'], // no-break space, a byte-order mark at the end
    ['\t李四\n', '李四'], // white space at the ends goes, even a tab or a line feed
    ['𠇔明', '𠇔明'], // a character beyond the BMP (a surrogate pair) is one character
    ['示例公告〔2026〕1号', '示例公告〔2026〕1号'],
    ['Zoë O\'Brien-Łukasz', 'Zoë O\'Brien-Łukasz'],
    ['A  B', 'A  B'], // inside, spaces stay as typed
    ['\ue000', '\ue000'], // private use: GB 18030 maps rare name characters there
    ['第一行\n第二行\t备注', '第一行\n第二行\t备注', 'lines'],
    ['第一行\r\n第二行\r\n', '第一行\n第二行', 'lines'] // CR LF is one line break
  ]
  for (const [input, text, kind] of cases) t.same(checkText(input, kind), { ok: true, text }, label(input))
})

t.test('every refusal, with the character and where it is', async (t) => {
  const cases: Array<[string, TextRefusal, string | null, TextKind?]> = [
    ['', 'blank', null],
    ['   ', 'blank', null],
    ['\u3000\t\n', 'blank', null],
    ['\r\n', 'blank', null, 'lines'],
    ['\u0000', 'control', 'U+0000, character 1'],
    ['张\u0000三', 'control', 'U+0000, character 2'],
    ['张\t三', 'control', 'U+0009, character 2'], // a tab inside a single line
    ['张\n三', 'control', 'U+000A, character 2'],
    ['张\r三', 'control', 'U+000D, character 2', 'lines'], // a lone CR is not a line break
    ['\u001b[31m红', 'control', 'U+001B, character 1'],
    ['a\u007fb', 'control', 'U+007F, character 2'],
    ['a\u0085b', 'control', 'U+0085, character 2'], // C1
    ['a\u009fb', 'control', 'U+009F, character 2'],
    ['\u200b', 'invisible', 'U+200B, character 1'],
    ['张\u200c三', 'invisible', 'U+200C, character 2'],
    ['张\u200d三', 'invisible', 'U+200D, character 2'],
    ['张\u2060三', 'invisible', 'U+2060, character 2'],
    ['张\ufeff三', 'invisible', 'U+FEFF, character 2'], // inside, not at an end
    ['张\u00ad三', 'invisible', 'U+00AD, character 2'],
    ['a\u{e0041}b', 'invisible', 'U+E0041, character 2'], // a tag character: invisible text
    ['\u202egnp.exe', 'bidi', 'U+202E, character 1'],
    ['a\u202ab', 'bidi', 'U+202A, character 2'],
    ['a\u200eb', 'bidi', 'U+200E, character 2'],
    ['a\u200fb', 'bidi', 'U+200F, character 2'],
    ['a\u2066b\u2069', 'bidi', 'U+2066, character 2'],
    ['a\u2069', 'bidi', 'U+2069, character 2'],
    ['a\u061cb', 'bidi', 'U+061C, character 2'],
    ['a\u2028b', 'separator', 'U+2028, character 2', 'lines'],
    ['a\u2029b', 'separator', 'U+2029, character 2'],
    ['\ud800', 'surrogate', 'U+D800, character 1'],
    ['张\udc00', 'surrogate', 'U+DC00, character 2'],
    ['𠇔\ud840', 'surrogate', 'U+D840, character 2'], // a pair, then half of one
    ['张\ufffd三', 'replacement', 'U+FFFD, character 2'],
    ['a\ufffeb', 'noncharacter', 'U+FFFE, character 2'],
    ['a\ufdd0b', 'noncharacter', 'U+FDD0, character 2'],
    ['a\u{1ffff}b', 'noncharacter', 'U+1FFFF, character 2']
  ]
  for (const [input, reason, where, kind] of cases) {
    const checked = checkText(input, kind)
    t.same(checked, { ok: false, reason, detail: where ? `${TEXT_REASONS[reason]} (${where})` : TEXT_REASONS[reason] }, label(input))
  }
})

t.test('the first offending character is the one named', async (t) => {
  t.match(checkText('a\u200bb\u0000'), { ok: false, reason: 'invisible', detail: /U\+200B, character 2/ })
})

t.test('every reason is bilingual', async (t) => {
  for (const [reason, detail] of Object.entries(TEXT_REASONS)) {
    t.match(detail, /[A-Za-z]{3}.* \/ .*[\u4e00-\u9fff]/, reason)
  }
})

t.test('only line feeds and tabs separate single-line from multi-line text', async (t) => {
  for (let cp = 0; cp < 0x20; cp++) {
    t.equal(refusal(cp, 'line'), 'control', `U+${cp.toString(16)} in a line`)
    t.equal(refusal(cp, 'lines'), cp === 0x0a || cp === 0x09 ? null : 'control', `U+${cp.toString(16)} in lines`)
  }
  for (const cp of [0x20, 0x41, 0x7e, 0xa0, 0x4e00, 0x3000, 0xe000, 0x20094]) t.equal(refusal(cp, 'line'), null, `U+${cp.toString(16)} is text`)
})
