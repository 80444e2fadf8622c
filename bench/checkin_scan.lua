-- Ticket scans through the API: each request posts {activity_id, secret, nonce}; about one in
-- eight repeats an earlier nonce of the same thread (a scanner retrying after a lost answer).
-- Every accepted nonce seen in a response is remembered; done() writes them (one a line) for
-- the scenario's verify, which compares them with the check-ins recorded.
local config_path = os.getenv("CHECKIN_BENCH_CONFIG") or "var/bench-checkin.txt"
local result_path = os.getenv("CHECKIN_BENCH_RESULT") or "var/bench-checkin-accepted.txt"

local threads = {}
local counter = 1

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local activity, secrets, sent, accepted, n, tid = nil, {}, {}, {}, 0, 0
accepted_nonces = {} -- global: done() reads it from each thread

function init(args)
  tid = tonumber(wrk.thread:get("tid"))
  local file = assert(io.open(config_path, "r"))
  activity = file:read("*l")
  for line in file:lines() do
    table.insert(secrets, line)
  end
  file:close()
  math.randomseed(os.time() * 100 + tid)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  local nonce, secret
  if #sent > 0 and math.random() < 0.125 then
    local old = sent[math.random(#sent)]
    nonce, secret = old[1], old[2]
  else
    n = n + 1
    nonce = string.format("bench-%d-%d-%d", tid, os.time(), n)
    if math.random() < 0.02 then
      secret = "unknown-" .. n
    else
      secret = secrets[math.random(#secrets)]
    end
    table.insert(sent, { nonce, secret })
    if #sent > 2000 then table.remove(sent, 1) end
  end
  local body = string.format('{"activity_id": %s, "secret": "%s", "nonce": "%s"}', activity, secret, nonce)
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if status == 200 and string.find(body, '"result": *"accepted"') then
    local nonce = string.match(body, '"nonce": *"([^"]+)"')
    if nonce and not accepted[nonce] then
      accepted[nonce] = true
      table.insert(accepted_nonces, nonce)
    end
  end
end

function done(summary, latency, requests)
  local file = io.open(result_path, "w")
  if not file then return end
  for _, thread in ipairs(threads) do
    local nonces = thread:get("accepted_nonces") or {}
    for _, nonce in ipairs(nonces) do
      file:write(nonce .. "\n")
    end
  end
  file:close()
end
