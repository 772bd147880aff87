-- A process that fails by raising a table without a `message` field is named by the
-- table's `__tostring`, as Lua's interpreter names an error object; when `__tostring`
-- raises, loops or waits, or there is none, the error keeps Lua's
-- words (a number it returns is text, as `tostring` makes it). A `message` field wins
-- over `__tostring`. A loop that catches the stop with `pcall` or in a coroutine is
-- stopped all the same (it held a worker for good).
local time = require("time")

local function failure_of(how)
  local events = process.events()
  local pid = assert(process.spawn_monitored("test:table_error_worker", "test:processes", how))
  local timeout = time.after("10s")
  while true do
    local r = channel.select { events:case_receive(), timeout:case_receive() }
    if r.channel == timeout then
      error("no EXIT event for " .. how)
    end
    if r.value.from == pid then
      assert(r.value.kind == process.event.EXIT, how .. ": " .. tostring(r.value.kind))
      assert(r.value.error, how .. ": no error")
      return r.value.error:message()
    end
  end
end

local function main()
  local expected = {
    names = "custom failure 42",
    loops = "(error object is a table value)",
    raises = "(error object is a table value)",
    number = "42", -- as tostring gives it
    waits = "(error object is a table value)",
    none = "(error object is a table value)",
    message = "from the message field",
    catches = "(error object is a table value)",
    catches_forever = "(error object is a table value)",
  }
  for how, message in pairs(expected) do
    local got = failure_of(how)
    if got ~= message then
      return false, how .. ": " .. tostring(got)
    end
  end
  -- The fenced metamethod left the runtime working: a process still spawns and answers.
  return failure_of("names") == "custom failure 42"
end

return { main = main }
