import type { Dialect } from './define-dialect.js'
import { evedexDialect } from './evedex/index.js'
import { nativeDialect } from './native/index.js'
import { ocxDialect } from './ocx/index.js'
import { paradexDialect } from './paradex/index.js'

/**
 * Every API Sigil speaks, Sigil's own first (mount conflicts are reported on the later one). A
 * new venue is a folder beside these and a line here; nothing else names it.
 */
export const DIALECTS: readonly Dialect[] = [nativeDialect, evedexDialect, ocxDialect, paradexDialect]
