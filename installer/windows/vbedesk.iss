; Inno Setup 6.3+ script for VBE Desk: a per-user install (no administrator rights).
;
; Built by installer/windows/build-windows.ps1 from dist\vbedesk (the PyInstaller
; one-folder bundle of installer/vbedesk.spec). By hand:
;   iscc /DAppVersion=0.1.0 /DBundleDir=..\..\dist\vbedesk installer\windows\vbedesk.iss
;
; Silent install for IT (no questions, no window, no reboot):
;   VBE-Desk-0.1.0-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
; Silent uninstall:
;   "%LOCALAPPDATA%\Programs\VBE Desk\unins000.exe" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
;
; The program's data (the encrypted vault and its backups) lives in
; %LOCALAPPDATA%\VBE Desk\, outside the program folder. Neither the installer nor the
; uninstaller ever writes, moves or deletes anything there: there is no [UninstallDelete]
; or [InstallDelete] entry and no code that touches it.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef BundleDir
  #define BundleDir "..\..\dist\vbedesk"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif

[Setup]
; A fixed AppId: upgrades replace the same installation.
AppId={{6B1E0F4C-3E7A-4F5B-9C2D-8A41D5E2B7C3}
AppName=VBE Desk
AppVersion={#AppVersion}
AppVerName=VBE Desk {#AppVersion}
AppPublisher=VBE Desk
AppComments=Krypterat skrivbord för den lokala samordnaren mot våldsbejakande extremism
VersionInfoVersion={#AppVersion}
VersionInfoProductName=VBE Desk
VersionInfoDescription=VBE Desk Setup
VersionInfoCopyright=EUPL-1.2
; Per user, never elevated: {autopf} becomes %LOCALAPPDATA%\Programs.
PrivilegesRequired=lowest
DefaultDirName={autopf}\VBE Desk
DefaultGroupName=VBE Desk
DisableProgramGroupPage=yes
DisableDirPage=auto
UninstallDisplayName=VBE Desk
UninstallDisplayIcon={app}\vbedesk.exe
SetupIconFile=..\..\resources\icons\vbedesk.ico
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#OutputDir}
OutputBaseFilename=VBE-Desk-{#AppVersion}-setup
; The program is closed before files are replaced (Restart Manager).
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
#if FileExists(AddBackslash(CompilerPath) + "Languages\Swedish.isl")
Name: "swedish"; MessagesFile: "compiler:Languages\Swedish.isl"
#endif

[Messages]
; The uninstaller's own words: the vault and its backups stay.
english.ConfirmUninstall=Remove the program %1?%n%nYour encrypted vault and its backups (in AppData\Local\VBE Desk) are NOT removed: the uninstaller never touches them. Delete them yourself only when the data may go.
english.UninstalledAll=The program %1 was removed.%n%nThe vault and its backups in AppData\Local\VBE Desk were left untouched.
#if FileExists(AddBackslash(CompilerPath) + "Languages\Swedish.isl")
swedish.ConfirmUninstall=Ta bort programmet %1?%n%nDitt krypterade valv och dess säkerhetskopior (i AppData\Local\VBE Desk) tas INTE bort: avinstallationen rör dem aldrig. Radera dem själv först när uppgifterna får försvinna.
swedish.UninstalledAll=Programmet %1 är borttaget.%n%nValvet och dess säkerhetskopior i AppData\Local\VBE Desk lämnades orörda.
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole PyInstaller folder: vbedesk.exe (the window), vbedesk-cli.exe (the command
; line) and _internal\ with Python, Qt and every resource.
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\VBE Desk"; Filename: "{app}\vbedesk.exe"; WorkingDir: "{app}"; IconFilename: "{app}\vbedesk.exe"; Comment: "Krypterat skrivbord för VBE-samordnaren"
Name: "{group}\{cm:UninstallProgram,VBE Desk}"; Filename: "{uninstallexe}"
Name: "{userdesktop}\VBE Desk"; Filename: "{app}\vbedesk.exe"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\vbedesk.exe"; Description: "{cm:LaunchProgram,VBE Desk}"; Flags: nowait postinstall skipifsilent
