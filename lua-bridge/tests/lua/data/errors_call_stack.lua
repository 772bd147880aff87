-- errors.call_stack(err) describes where an error was made.
local function make()
  return errors.new("with a stack")
end

local function main()
  local e = make()
  local stack = errors.call_stack(e)
  if stack == nil then
    return false, "no call stack"
  end
  if type(stack) ~= "table" then
    return false, "call_stack returned a " .. type(stack)
  end
  if type(stack.frames) ~= "table" or #stack.frames == 0 then
    return false, "no frames"
  end
  local f = stack.frames[1]
  if type(f.line) ~= "number" or type(f.source) ~= "string" then
    return false, "frame fields"
  end
  -- As the original's frames: levels count from 0, and each has Lua's `what`.
  for i, frame in ipairs(stack.frames) do
    if frame.level ~= i - 1 then
      return false, "frame " .. i .. " has level " .. tostring(frame.level)
    end
    if frame.type ~= "Lua" and frame.type ~= "C" and frame.type ~= "main" then
      return false, "frame " .. i .. " has type " .. tostring(frame.type)
    end
  end
  if f.type ~= "Lua" then
    return false, "the innermost frame (make) has type " .. tostring(f.type)
  end
  return true
end

return { main = main }
