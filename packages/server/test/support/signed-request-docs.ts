import { readFileSync } from 'node:fs'

/** The scripts and values of docs/signed-requests.md ("Signing a request"), as printed there. */
const DOC = readFileSync(new URL('../../../../docs/signed-requests.md', import.meta.url), 'utf8')

/** A fenced block of the doc that starts with `firstLine`. */
export function docBlock(language: string, firstLine: string): string {
  const fence = '```'
  const start = DOC.indexOf(`${fence}${language}\n${firstLine}`)
  if (start === -1) throw new Error(`docs/signed-requests.md has no ${language} block starting ${firstLine}`)
  const from = start + fence.length + language.length + 1
  return `${DOC.slice(from, DOC.indexOf(`\n${fence}`, from))}\n`
}

/** The curl + openssl script. */
export const SHELL_SCRIPT = () => docBlock('bash', '#!/usr/bin/env bash')
/** The Python script. */
export const PYTHON_SCRIPT = () => docBlock('python', '#!/usr/bin/env python3')
