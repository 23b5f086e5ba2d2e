-- wrk script for tests/bench/collector_wrk.sh: POSTs valid report batches
-- with ids unique across threads and requests (so every report is stored,
-- none counted as a duplicate). BATCH (env) reports per request, default 10.
local abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
local threads = {}
local counter = 0
local batch = tonumber(os.getenv("BATCH") or "10")
local non202 = 0

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  -- thread_id is the global setup() gave this thread; salt keeps runs apart
  salt = (os.time() % 2^16) * 64 + thread_id
end

-- 16 bytes as canonical base64url: 21 characters, then one whose low 4 bits are 0.
local function rid(n)
  local s = {}
  local v = n
  for i = 1, 21 do
    local d = v % 64
    v = math.floor(v / 64)
    s[i] = abc:sub(d + 1, d + 1)
  end
  s[22] = "A"
  return table.concat(s)
end


function request()
  local reports = {}
  for i = 1, batch do
    counter = counter + 1
    local id = rid(counter + salt * 2^27)
    reports[i] = string.format(
      '{"rid":"%s","task":"pet-mix","cfg":"bench1","win":"2026-W10","mech":"grr","eps":2,"d":6,"y":%d}',
      id, counter % 6)
  end
  local body = '{"v":1,"site":"bench","reports":[' .. table.concat(reports, ",") .. ']}'
  return wrk.format("POST", "/v1/reports", {["Content-Type"] = "application/json"}, body)
end

function response(status, headers, body)
  if status ~= 202 then
    non202 = non202 + 1
    if non202 <= 3 then print("unexpected " .. status .. ": " .. body) end
  end
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  io.write(string.format("requests/s %.1f  reports/s %.1f  p50 %.2f ms  p99 %.2f ms  errors %d\n",
    summary.requests / secs, summary.requests * batch / secs,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
