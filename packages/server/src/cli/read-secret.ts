/**
 * One line from the user without echoing it (a terminal), or the first line of standard input (a
 * pipe: `pass show wallet | sigil login`); undefined when there is no input at all. Hand-written:
 * node:readline has no hidden input, and this is the only prompt the CLI has.
 */
export async function readSecret(prompt: string): Promise<string | undefined> {
  const input = process.stdin
  if (!input.isTTY) {
    let text = ''
    for await (const chunk of input) text += chunk
    return text.split('\n')[0]
  }
  process.stderr.write(prompt)
  input.setRawMode(true)
  input.setEncoding('utf8')
  try {
    return await new Promise<string | undefined>((resolve) => {
      let line = ''
      const onData = (chunk: string) => {
        for (const char of chunk) {
          if (char === '\r' || char === '\n' || char === '\u0004') {
            input.off('data', onData)
            resolve(line)
            return
          }
          if (char === '\u0003') {
            input.off('data', onData)
            resolve(undefined) // Ctrl-C: no key
            return
          }
          line = char === '\u007f' || char === '\b' ? line.slice(0, -1) : line + char
        }
      }
      input.on('data', onData)
      input.resume()
    })
  } finally {
    input.setRawMode(false)
    input.pause()
    process.stderr.write('\n')
  }
}
