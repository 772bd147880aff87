-- A function.lua helper: tells `parent` its PID, then sleeps for ever.
local function main(parent)
  process.send(parent, "function", process.pid())
  while true do
    time.sleep("1s")
  end
end

return { main = main }
