-- The logger checks its arguments as the original does: the message must be a string
-- (or a number), fields a table when given; with() takes a table, named() a non-empty
-- string (or a number). Error values and list items are accepted as fields.
local logger = require("logger")

local function raises(f, ...)
  local ok, err = pcall(f, ...)
  return not ok, tostring(err)
end

local function main()
  for _, case in ipairs({
    { function() logger:info() end, "string expected, got no value" },
    { function() logger:warn({}) end, "string expected, got table" },
    { function() logger:info("m", "x") end, "table expected, got string" },
    { function() logger:with("x") end, "table expected, got string" },
    { function() logger:named("") end, "name cannot be empty" },
    { function() logger:named({}) end, "string expected" },
  }) do
    local raised, err = raises(case[1])
    if not raised or not err:find(case[2], 1, true) then
      return false, "expected an error with " .. case[2] .. ", got " .. tostring(raised) .. " " .. err
    end
  end
  -- What is allowed still is.
  logger:info(42)
  logger:info("fields", { e = errors.new("boom"), n = 1 })
  logger:debug("list", { "a", "b" })
  logger:with({ k = "v" }):named("sub"):error("ok")
  return true
end

return { main = main }
