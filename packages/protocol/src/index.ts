export { ok, type Result, reject } from './result.js'
