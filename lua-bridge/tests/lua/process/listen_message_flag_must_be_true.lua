-- process.listen(topic, {message = ...}) gives Message objects only for `message = true`;
-- any other value (1, "yes") gives raw values, as the original compares it with true.
local wait = require("wait")

local function main()
  local me = process.pid()
  local one = process.listen("flag_one", { message = 1 })
  local yes = process.listen("flag_yes", { message = "yes" })
  local real = process.listen("flag_true", { message = true })
  process.send(me, "flag_one", "a")
  process.send(me, "flag_yes", "b")
  process.send(me, "flag_true", "c")
  assert(wait.receive(one) == "a", "message = 1 gives raw values")
  assert(wait.receive(yes) == "b", "message = 'yes' gives raw values")
  local m = wait.receive(real)
  assert(type(m) == "userdata" and m:payload():data() == "c", "message = true gives Message objects")
  return true
end

return { main = main }
