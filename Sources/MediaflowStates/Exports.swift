@_exported import MediaflowModel
