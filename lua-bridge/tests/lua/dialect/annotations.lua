-- Luau-style type annotations run (types are not checked): typed locals, typed
-- parameters and returns, optional types, type aliases (also generic and exported),
-- generic functions, casts (`::`), and annotations in for loops and methods.
type Point = { x: number, y: number }
type Pair<T> = { first: T, second: T }
export type Callback = (number, string) -> boolean
type Shape = "circle" | "square"

local origin: Point = { x = 0, y = 0 }
local count: number = 0
local name: string? = nil
local items: { string } = { "a", "b" }
local lookup: { [string]: number } = { a = 1 }

local function add(a: number, b: number): number
  return a + b
end

local function first<T>(list: { T }): T?
  return list[1]
end

local function swap<T>(p: Pair<T>): Pair<T>
  return { first = p.second, second = p.first }
end

local function describe(p: Point, label: string?): (string, number)
  return (label or "point") .. "(" .. p.x .. "," .. p.y .. ")", p.x + p.y
end

local Counter = {}
Counter.__index = Counter

function Counter.new(start: number): typeof(Counter)
  return setmetatable({ value = start }, Counter)
end

function Counter:inc(by: number?): number
  self.value = self.value + (by or 1)
  return self.value
end

local function main(): boolean
  local total: number = 0
  for i: number = 1, 3 do
    total = total + i
  end
  for _, item: string in ipairs(items) do
    count = count + #item
  end
  local raw: any = "cast me"
  local s = raw :: string
  local n = (lookup["a"] :: number) + 1
  local label, sum = describe({ x = 1, y = 2 } :: Point, nil)
  local c = Counter.new(10)
  c:inc()
  c:inc(5)
  local p = swap({ first = 1, second = 2 })
  local shape: Shape = "circle"
  local cb: Callback = function(a: number, b: string): boolean
    return a > 0 and #b > 0
  end
  if add(2, 3) ~= 5 or total ~= 6 or count ~= 2 or s ~= "cast me" or n ~= 2
      or first(items) ~= "a" or label ~= "point(1,2)" or sum ~= 3 or c.value ~= 16
      or p.first ~= 2 or origin.x ~= 0 or name ~= nil or shape ~= "circle" or not cb(1, "x") then
    return false, "annotated code computed wrong values"
  end
  return true
end

return { main = main }
