-- Starts a call of a function that sleeps for ever and tells `parent` the function's
-- process (from the function itself), then ends without waiting for the call.
local function main(parent)
  funcs.async("test:forever_fn", parent)
  process.inbox():receive()
  return 0
end

return { main = main }
