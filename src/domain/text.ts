// Free text as the registry keeps it: names, titles, reasons, notes. A value is trimmed, and
// refused when it is blank or holds a character that is not text to a reader: control
// characters (NUL, escape, the C1 range) hide in a printout and break other systems' files;
// zero-width and bidi-control characters make a name look like another ("\u202Egnp.exe" reads
// "exe.png"); a lone surrogate is no character at all; U+FFFD is what a decoder leaves where
// bytes were not text, so it means the value was damaged before it arrived.

/** 'line': a name, a title, a number (no line breaks, no tabs). 'lines': a note, a reason, an
 *  evidence reference, where a clerk may paste several lines: line feeds and tabs are kept
 *  (CR LF becomes LF; a lone CR is refused as a control character). */
export type TextKind = 'line' | 'lines'

export type TextRefusal = 'blank' | 'control' | 'invisible' | 'bidi' | 'separator' | 'surrogate' | 'replacement' | 'noncharacter'

export type TextCheck =
  | { ok: true, text: string }
  | { ok: false, reason: TextRefusal, detail: string }

/** Why each refusal is one, bilingual because it reaches clerks as the problem detail. */
export const TEXT_REASONS: Record<TextRefusal, string> = {
  blank: 'must not be empty or only spaces / 不能为空或仅含空白',
  control: 'must not contain control characters / 不得含有控制字符',
  invisible: 'must not contain invisible format characters (zero-width and the like) / 不得含有零宽等不可见格式字符',
  bidi: 'must not contain bidirectional control characters / 不得含有文字方向控制字符',
  separator: 'must not contain Unicode line or paragraph separators / 不得含有 Unicode 行或段落分隔符',
  surrogate: 'must not contain a lone surrogate (not a character) / 不得含有孤立代理项（无效字符）',
  replacement: 'must not contain U+FFFD, the mark of text that could not be decoded / 不得含有替换字符 U+FFFD（编码错误）',
  noncharacter: 'must not contain Unicode noncharacters / 不得含有 Unicode 非字符'
}

const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u
// Every code point refusal() refuses, for a quick test of the whole value: the usual value has
// none and is not walked character by character. By general category: Cc control, Cf format
// (zero-width, bidi, the invisible tag characters), Cs surrogate (only a lone one is seen with
// the u flag), Zl and Zp separators; and the noncharacters and U+FFFD. Private-use characters
// stay: GB 18030 maps a few rare characters of names there.
const SUSPECT = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Noncharacter_Code_Point}\ufffd]/u

/** The refusal a code point earns in text of that kind, or null when it is text. */
export function refusal (cp: number, kind: TextKind): Exclude<TextRefusal, 'blank'> | null {
  const ch = String.fromCodePoint(cp)
  if (!SUSPECT.test(ch)) return null
  if (/\p{Cc}/u.test(ch)) return kind === 'lines' && (cp === 0x0a || cp === 0x09) ? null : 'control'
  if (BIDI.test(ch)) return 'bidi'
  if (/\p{Cf}/u.test(ch)) return 'invisible'
  if (/\p{Cs}/u.test(ch)) return 'surrogate'
  if (cp === 0xfffd) return 'replacement'
  if (/[\p{Zl}\p{Zp}]/u.test(ch)) return 'separator'
  return 'noncharacter'
}

const hex = (cp: number) => `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`

/**
 * Returns the value trimmed (leading and trailing white space of any kind, the ideographic
 * space U+3000 included) or why it is refused: blank, or the first character that is not text
 * in a field of that kind, named with its code point and position (1-based, in characters).
 */
export function checkText (value: string, kind: TextKind = 'line'): TextCheck {
  const text = (kind === 'lines' ? value.replace(/\r\n/g, '\n') : value).trim()
  if (text === '') return { ok: false, reason: 'blank', detail: TEXT_REASONS.blank }
  if (!SUSPECT.test(text)) return { ok: true, text }
  let at = 0
  for (const ch of text) {
    at++
    const cp = ch.codePointAt(0) as number
    const reason = refusal(cp, kind)
    if (reason) return { ok: false, reason, detail: `${TEXT_REASONS[reason]} (${hex(cp)}, character ${at})` }
  }
  return { ok: true, text } // only \n or \t in 'lines'
}
