-- What a ticket scanner sends, shared by the scan rows (checkin_scan.lua for Mitra's API,
-- pretix_redeem.lua for pretix's): the tickets come from a file whose first line names the
-- target (Mitra's activity, pretix's check-in list) and whose other lines are ticket secrets;
-- about one in eight requests repeats an earlier nonce of the same thread (a scanner retrying
-- after a lost answer), 2 % carry an unknown ticket. Loaded with dofile() by each script.
local mix = { threads = {}, counter = 1 }

-- wrk's setup(): number the threads and keep them, so done() can read what each gathered.
function mix.setup(thread)
  thread:set("tid", mix.counter)
  mix.counter = mix.counter + 1
  table.insert(mix.threads, thread)
end

-- In a thread's init(): its tickets and a random stream of its own; requests are JSON POSTs.
function mix.start(path, prefix)
  local state = { tid = tonumber(wrk.thread:get("tid")), secrets = {}, sent = {}, n = 0 }
  state.prefix = prefix
  local file = assert(io.open(path, "r"))
  state.target = file:read("*l")
  for line in file:lines() do
    table.insert(state.secrets, line)
  end
  file:close()
  math.randomseed(os.time() * 100 + state.tid)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  return state
end

-- The next scan: a retry of an earlier (nonce, secret) or a new nonce for a random ticket.
function mix.next(state)
  if #state.sent > 0 and math.random() < 0.125 then
    local old = state.sent[math.random(#state.sent)]
    return old[1], old[2]
  end
  state.n = state.n + 1
  local nonce = string.format("%s-%d-%d-%d", state.prefix, state.tid, os.time(), state.n)
  local secret
  if math.random() < 0.02 then
    secret = "unknown-" .. state.n
  else
    secret = state.secrets[math.random(#state.secrets)]
  end
  table.insert(state.sent, { nonce, secret })
  if #state.sent > 2000 then table.remove(state.sent, 1) end
  return nonce, secret
end

-- wrk's request(): the next scan as the JSON body `format` (target, secret, nonce).
function mix.request(state, format)
  local nonce, secret = mix.next(state)
  return wrk.format(nil, nil, nil, string.format(format, state.target, secret, nonce))
end

return mix
