/**
 * The Lua scripts behind the job model (model.ts): every change of a job is one script, so two replicas can
 * never both count an item, both end a job, or half-create one. A job's keys share the hash tag `{id}`: the
 * scripts derive them from the job hash's own key (KEYS[1]).
 */

const OUTCOME_SETS = `local OUTCOMES = {'SUCCEEDED','ALREADY_DONE','FAILED','SKIPPED','INVALID','DUPLICATE','NOT_STARTED'}`;

/** Sets a TTL on every key of a job. */
const EXPIRE_JOB = `
local function expireJob(job, ms)
  for _, suffix in ipairs({'', ':lines', ':results', ':done', ':seen'}) do redis.call('PEXPIRE', job .. suffix, ms) end
  for _, outcome in ipairs(OUTCOMES) do redis.call('PEXPIRE', job .. ':o:' .. outcome, ms) end
end`;

/**
 * KEYS: job, keyIndex, ownerIndex, stats, linesSource (an upload's lines; unused for inline items), fanOuts.
 * ARGV: jobId, fingerprint, createdAtMs, fields (JSON object), inline lines (JSON array, or '' for an
 * upload), ttlMs, sealed credential, most jobs kept per owner, deadline (ms, on Redis's clock), the prefix
 * of job keys (`...job:{`).
 * The one commit of a new job: it exists whole (lines, credential, indexes, its fan-out pending) or not at
 * all. Past the deadline it refuses: a call that timed out (and was answered StoreUnavailableError) and
 * reaches a Redis that was only hung must not create the job after all.
 */
export const CREATE = `
local t = redis.call('TIME')
if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > tonumber(ARGV[9]) then return {'late'} end
local existing = redis.call('GET', KEYS[2])
-- A key outlives nothing: one whose job has expired is free again.
if existing and redis.call('EXISTS', ARGV[10] .. existing .. '}') == 1 then return {'exists', existing} end
local job = KEYS[1]
local lines = job .. ':lines'
local count
if ARGV[5] == '' then
  if redis.call('EXISTS', KEYS[5]) == 0 then return {'no-upload'} end
  redis.call('COPY', KEYS[5], lines)
  count = redis.call('LLEN', lines)
else
  local items = cjson.decode(ARGV[5])
  for i = 1, #items, 500 do redis.call('RPUSH', lines, unpack(items, i, math.min(i + 499, #items))) end
  count = #items
end
for name, value in pairs(cjson.decode(ARGV[4])) do redis.call('HSET', job, name, value) end
redis.call('HSET', job, 'objectCount', count, 'fp', ARGV[2], 'status', 'CREATED', 'succeeded', 0,
  'failed', 0, 'skipped', 0, 'version', 1, 'enqueued', 0, 'round', 0)
redis.call('PEXPIRE', job, ARGV[6])
redis.call('PEXPIRE', lines, ARGV[6])
redis.call('SET', job .. ':cred', ARGV[7], 'PX', ARGV[6])
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[6])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -1 - tonumber(ARGV[8]))
redis.call('PEXPIRE', KEYS[3], ARGV[6])
redis.call('HINCRBY', KEYS[4], 'CREATED', 1)
redis.call('HSET', KEYS[6], ARGV[1], 0)
return {'created', ARGV[1]}
`;

/** KEYS: fanOuts. ARGV: jobId, round. A fan-out is done unless the job was resumed meanwhile (a new round). */
export const FAN_OUT_DONE = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then redis.call('HDEL', KEYS[1], ARGV[1]) end
return 1
`;

/** KEYS: job, stats. ARGV: startedAt. CREATED becomes RUNNING (the fan-out begins); returns the status. */
export const START = `
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'CREATED' then return status or '' end
redis.call('HSET', KEYS[1], 'status', 'RUNNING', 'startedAt', ARGV[1])
redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HINCRBY', KEYS[2], 'CREATED', -1)
redis.call('HINCRBY', KEYS[2], 'RUNNING', 1)
return 'RUNNING'
`;

/**
 * KEYS: job, stats, resumeKey. ARGV: completedAt, retentionMs, n, then n times: index, outcome, counter,
 * result JSON, preview increments (`name=value,...` or ''). Each item is counted once (HSETNX); the call that
 * records the last item ends the job and learns it. Returns {recorded, finalStatus or '', positions of the
 * entries recorded now}.
 */
export const RECORD = `
${OUTCOME_SETS}
${EXPIRE_JOB}
local job = KEYS[1]
local status = redis.call('HGET', job, 'status')
if not status then return {0, ''} end
local recorded = 0
local fresh = {}
for i = 0, tonumber(ARGV[3]) - 1 do
  local at = 4 + i * 5
  local index, outcome = ARGV[at], ARGV[at + 1]
  if redis.call('HSETNX', job .. ':results', index, ARGV[at + 3]) == 1 then
    recorded = recorded + 1
    fresh[#fresh + 1] = i
    redis.call('ZADD', job .. ':done', index, index)
    redis.call('ZADD', job .. ':o:' .. outcome, index, index)
    redis.call('HINCRBY', job, ARGV[at + 2], 1)
    redis.call('HINCRBY', job, 'o:' .. outcome, 1)
    for name, value in string.gmatch(ARGV[at + 4], '(%w+)=(%d+)') do
      redis.call('HINCRBY', job, 'pv:' .. name, value)
    end
  end
end
if recorded == 0 then return {0, ''} end
redis.call('HINCRBY', job, 'version', 1)
local c = redis.call('HMGET', job, 'succeeded', 'failed', 'skipped', 'objectCount', 'errorCode')
local total = tonumber(c[1]) + tonumber(c[2]) + tonumber(c[3])
if total < tonumber(c[4]) or status == 'COMPLETED' or status == 'FAILED' or status == 'CANCELED' then
  return {recorded, '', unpack(fresh)}
end
local final = 'COMPLETED'
if status == 'CANCELING' then final = 'CANCELED' elseif c[5] and c[5] ~= '' then final = 'FAILED' end
redis.call('HSET', job, 'status', final, 'completedAt', ARGV[1])
redis.call('HINCRBY', KEYS[2], status, -1)
redis.call('DEL', job .. ':cred')
expireJob(job, ARGV[2])
if final == 'FAILED' and c[5] == 'CREDENTIAL_EXPIRED' then
  redis.call('SET', KEYS[3], redis.call('HGET', job, 'id'), 'PX', ARGV[2])
end
return {recorded, final, unpack(fresh)}
`;

/** KEYS: job, stats. ARGV: owner. A running job becomes CANCELING; answers its status (NOT_FOUND: not the owner's). */
export const CANCEL = `
local f = redis.call('HMGET', KEYS[1], 'owner', 'status')
if f[1] ~= ARGV[1] then return 'NOT_FOUND' end
if f[2] == 'CREATED' or f[2] == 'RUNNING' then
  redis.call('HSET', KEYS[1], 'status', 'CANCELING')
  redis.call('HINCRBY', KEYS[1], 'version', 1)
  redis.call('HINCRBY', KEYS[2], f[2], -1)
  redis.call('HINCRBY', KEYS[2], 'CANCELING', 1)
  return 'CANCELING'
end
return f[2]
`;

/** KEYS: job. ARGV: errorCode. A running job stops taking new items; it ends FAILED with this code. */
export const STOP = `
local f = redis.call('HMGET', KEYS[1], 'status', 'errorCode')
if f[1] ~= 'RUNNING' or (f[2] and f[2] ~= '') then return 0 end
redis.call('HSET', KEYS[1], 'errorCode', ARGV[1])
redis.call('HINCRBY', KEYS[1], 'version', 1)
return 1
`;

/**
 * A job stopped by an expired credential runs again, for its new owner and credential: its NOT_STARTED
 * items lose their outcome, and a new round of its fan-out enqueues them again. KEYS: job, stats,
 * resumeKey, oldOwnerIndex, newOwnerIndex, newKeyIndex, fanOuts. ARGV: newOwner, nowMs, ttlMs, sealed
 * credential, jobId. Returns how many items run again (0: nothing to resume).
 */
export const RESUME = `
${OUTCOME_SETS}
${EXPIRE_JOB}
local job = KEYS[1]
local f = redis.call('HMGET', job, 'status', 'errorCode')
if f[1] ~= 'FAILED' or f[2] ~= 'CREDENTIAL_EXPIRED' then return 0 end
local indexes = redis.call('ZRANGE', job .. ':o:NOT_STARTED', 0, -1)
if #indexes == 0 then return 0 end
for _, index in ipairs(indexes) do
  redis.call('HDEL', job .. ':results', index)
  redis.call('ZREM', job .. ':done', index)
end
redis.call('DEL', job .. ':o:NOT_STARTED')
redis.call('HINCRBY', job, 'skipped', -#indexes)
redis.call('HSET', job, 'o:NOT_STARTED', 0, 'status', 'RUNNING', 'errorCode', '', 'completedAt', '',
  'owner', ARGV[1], 'enqueued', 0)
redis.call('HINCRBY', job, 'version', 1)
redis.call('HSET', KEYS[7], ARGV[5], redis.call('HINCRBY', job, 'round', 1))
redis.call('HINCRBY', KEYS[2], 'RUNNING', 1)
redis.call('DEL', KEYS[3])
redis.call('ZREM', KEYS[4], ARGV[5])
redis.call('ZADD', KEYS[5], ARGV[2], ARGV[5])
redis.call('SET', KEYS[6], ARGV[5], 'PX', ARGV[3])
redis.call('SET', job .. ':cred', ARGV[4], 'PX', ARGV[3])
expireJob(job, ARGV[3])
return #indexes
`;

/** The job scripts as JobStore calls them (ioredis `defineCommand`). */
export interface JobScripts {
  bulkCreate(...args: Array<string | number>): Promise<string[]>;
  bulkStart(job: string, stats: string, startedAt: string): Promise<string>;
  bulkRecord(...args: Array<string | number>): Promise<[number, string, ...number[]]>;
  bulkCancel(job: string, stats: string, owner: string): Promise<string>;
  bulkStop(job: string, code: string): Promise<number>;
  bulkResume(...args: Array<string | number>): Promise<number>;
}
