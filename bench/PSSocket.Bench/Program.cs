using System;
using System.Linq;
using System.Reflection;

namespace PSSocket.Bench
{
    /// <summary>
    /// dotnet run -c Release --project bench/PSSocket.Bench -- [scenario ...]
    /// Runs every scenario (or the named ones) and prints one markdown table of results and ratios.
    /// </summary>
    internal static class Program
    {
        private static int Main(string[] args)
        {
            if (args.Length == 4 && args[0] == EchoCrowdClients.Argument)
            {
                return EchoCrowdClients.Run(int.Parse(args[1]), int.Parse(args[2]), int.Parse(args[3]));
            }

            IScenario[] all = typeof(Program).Assembly.GetTypes()
                .Where(t => typeof(IScenario).IsAssignableFrom(t) && !t.IsAbstract && !t.IsInterface)
                .Select(t => (IScenario)Activator.CreateInstance(t)!)
                .OrderBy(s => s.Name)
                .ToArray();

            if (args.Contains("--list"))
            {
                foreach (IScenario s in all)
                {
                    Console.WriteLine($"{s.Name,-24} {s.Description}");
                }

                return 0;
            }

            IScenario[] chosen = args.Length == 0 ? all : all.Where(s => args.Contains(s.Name, StringComparer.OrdinalIgnoreCase)).ToArray();
            if (chosen.Length == 0)
            {
                Console.Error.WriteLine("No such scenario. Use --list.");
                return 2;
            }

            var report = new Report();
            Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
            foreach (IScenario scenario in chosen)
            {
                Console.Error.WriteLine($"== {scenario.Name}: {scenario.Description}");
                try
                {
                    scenario.Run(report);
                }
                catch (Exception e)
                {
                    Console.Error.WriteLine($"!! {scenario.Name} failed: {e}");
                    report.Add(scenario.Name, "failed", double.NaN, "", note: e.GetType().Name + ": " + e.Message);
                }
            }

            report.Print();
            return 0;
        }
    }
}
