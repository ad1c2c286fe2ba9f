using System.CommandLine;
using Reconciler.Sources.Schema;

namespace Reconciler.Cli.Commands;

public static class CrdsCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Folder to write the CRDs into", DefaultValueFactory = _ => "crds" };
        var command = new Command("crds", "Write one CustomResourceDefinition per kind, generated from the resource types") { output };
        command.SetAction(parse => CliContext.GuardAsync(() =>
        {
            var folder = parse.GetValue(output)!;
            Directory.CreateDirectory(folder);
            foreach (var (fileName, yaml) in CrdGenerator.Generate())
            {
                File.WriteAllText(Path.Combine(folder, fileName), yaml);
                Console.WriteLine(Path.Combine(folder, fileName));
            }
            return Task.FromResult(0);
        }).GetAwaiter().GetResult());
        return command;
    }
}
