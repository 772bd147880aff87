-- A function.lua helper: sleeps for the given duration, then returns the value given.
local function main(duration, value)
  time.sleep(duration)
  return { delayed = true, value = value }
end

return { main = main }
