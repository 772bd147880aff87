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
  return true
end

return { main = main }
