-- Counts the requests wrk sends (including those still in flight when the run stops), so
-- the portal scenario can check that the article's view count grew by exactly that much.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  sent = 0
end

function request()
  sent = sent + 1
  return wrk.request()
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("sent")
  end
  io.write(string.format("portal-sent: %d\n", total))
end
