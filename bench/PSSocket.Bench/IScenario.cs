namespace PSSocket.Bench
{
    /// <summary>One benchmark: measures the module and a reference in the same run and reports both with their ratio.</summary>
    internal interface IScenario
    {
        /// <summary>The name used on the command line.</summary>
        string Name { get; }

        string Description { get; }

        void Run(Report report);
    }
}
