-- Fails by raising a table; `how` picks the table's `__tostring`: "names" returns a
-- text, "loops" never returns, "raises" raises, "number" returns a number, "waits"
-- calls a blocking function, "none" has no metatable, "message" has a `message` field
-- as well; "catches" loops inside a `pcall`, then loops again once the `pcall` caught
-- the stop, and "catches_forever" keeps catching it in a loop (through `pcall` and
-- through a coroutine).
local time = require("time")

local behaviours = {
  names = function() return "custom failure 42" end,
  loops = function() while true do end end,
  raises = function() error("tostring itself failed") end,
  number = function() return 42 end,
  waits = function() time.sleep("1ms"); return "slept" end,
  message = function() return "from __tostring" end,
  catches = function()
    pcall(function() while true do end end)
    while true do end
  end,
  catches_forever = function()
    while true do
      pcall(function() while true do end end)
      coroutine.resume(coroutine.create(function() while true do end end))
    end
  end,
}

local function main(how)
  local object = { code = 5 }
  if how == "message" then
    object.message = "from the message field"
  end
  if behaviours[how] then
    setmetatable(object, { __tostring = behaviours[how] })
  end
  error(object)
end

return { main = main }
